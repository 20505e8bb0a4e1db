"""Text for people, one module per command: aligned lines, colour only on a terminal."""
