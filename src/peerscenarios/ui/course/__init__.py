"""Course-server screens: submit a portfolio, upload a session, the Course view, settings, import.

Each is a self-contained widget or dialog that takes plain data and a course
client (or a function that makes one); the main window only adds menu
entries that call their ``ask()`` / constructors.
"""
