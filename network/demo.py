"""Demo data of the network for `manage.py seed_demo` (called in this order, after the people,
organisations and offers). Each topic has its module: demo_events.py (the Lunch series, the
spring and autumn Netzwerktreffen, the Tag der offenen Gewerbehöfe), demo_groups.py (the three
working groups with members and projects, an AG meeting with minutes, the minutes of the spring
Netzwerktreffen)."""

from .demo_events import seed_events
from .demo_groups import seed_groups, seed_minutes

SEEDERS = [seed_events, seed_groups, seed_minutes]
