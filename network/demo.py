"""Demo data of the network for `manage.py seed_demo` (called in this order, after the people,
organisations and offers). Each topic has its module: demo_events.py (the Lunch series, the
spring and autumn Netzwerktreffen, the Tag der offenen Gewerbehöfe)."""

from .demo_events import seed_events

SEEDERS = [seed_events]
