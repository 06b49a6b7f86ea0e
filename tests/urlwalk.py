"""Walk every URL pattern of the project (shared by the guard tests)."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    """Yield (route, name, callback) for every pattern, with namespaced names."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else "", p.callback
