"""A group session: the flow of steps, what the audience may see, the timer, the record."""
