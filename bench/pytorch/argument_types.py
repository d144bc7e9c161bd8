"""argparse types shared by the scripts in bench/pytorch."""

import argparse


def integer_at_least(minimum):
    """Return an argparse type that accepts integers of at least minimum."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is out of range: use {minimum} or more")
        return value
    return parse
