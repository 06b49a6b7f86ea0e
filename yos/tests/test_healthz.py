def test_it_reports_the_database(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_reports_a_reachable_redis(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # the machine's Redis, as in CI
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_it_reports_redis_down_with_503(client, db, settings):
    # Nothing listens on port 1: a real refused connection, not a mock.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "redis": "down"}
