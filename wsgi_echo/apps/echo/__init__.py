"""The echo app kind: ``EchoApp`` answers every request with its JSON description."""

from .app import EchoApp

__all__ = ["EchoApp"]
