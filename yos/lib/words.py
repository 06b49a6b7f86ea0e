"""Lengths of time in words, as the screens say them ("30 minutes")."""


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def duration(seconds: int) -> str:
    """8 hours, 30 minutes, 1 hour and 30 minutes, 2 minutes and 5 seconds,
    45 seconds: the two largest units that are not zero."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        _unit(n, word) for n, word in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n
    ][:2]
    if not parts:
        return "0 seconds"
    return " and ".join(parts)
