"""Zhongshu (中枢): the platform for the general office of a party committee or government."""

__version__ = "0.1.0"
