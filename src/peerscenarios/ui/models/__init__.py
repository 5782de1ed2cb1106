"""Qt item models over the records and views the app layer returns."""
