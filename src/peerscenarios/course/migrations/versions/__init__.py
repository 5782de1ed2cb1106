"""The course server's revision scripts, applied in order by ``course.admin.init_server``."""
