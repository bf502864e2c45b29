"""A photo-contest platform for libraries and other organizations."""
