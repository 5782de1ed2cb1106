"""The screens of the trainee app: library, player, debrief and history."""
