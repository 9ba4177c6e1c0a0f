"""`python -m summarizer` runs the command line."""

from .cli import main

main()
