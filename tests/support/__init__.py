"""Reusable pytest fixtures for tests that need real servers (registered in tests/conftest.py).

- redis_server.py: `redis_url` (Redis for tests, or a skip saying how to get one) and port helpers.
- smtp.py: `smtp_server`, an in-process SMTP server that keeps what it receives.
- celery_worker.py: `celery_broker`, `celery_worker` and `celery_worker_factory`, which start
  a real `celery -A marketplace worker` subprocess against the test database.
"""
