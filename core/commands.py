"""Shared pieces of management commands."""
import argparse
import datetime


def iso_date(value):
    """argparse type for `--date YYYY-MM-DD` (argparse turns the error into the command's usage error)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: use YYYY-MM-DD") from None


def add_date_argument(parser, help_text="as of this local date (default: today)"):
    parser.add_argument("--date", type=iso_date, default=None, help=help_text)
