"""Domain events. `bills` knows nothing of integrations; `sync` listens here.

Sent inside the transaction of the change, so a listener's writes commit or roll back with it.
"""

from django.dispatch import Signal

# kwargs: bill, created (bool), changed (set of field names)
bill_saved = Signal()
# kwargs: bill, payment
bill_paid = Signal()
