"""Stand-alone emulator of e-conomic's REST API (restapi.e-conomic.com) and grant flow.

Modules: ``server`` (app, auth, idempotency, stats), ``api`` (REST handlers and routes),
``grant`` (``/secure/api1/requestaccess.aspx`` and the administrators' ``/secure/`` page),
``periods`` (open / barred / closed accounting periods), ``ledger`` (VAT as e-conomic books it,
booking a kassekladde, moving a voucher), ``throttle`` (the cost-based token bucket and the
fair-use counter), ``control`` (the ``/_emulator/`` switches a test or the page flips), ``page``
(the kassekladde page), ``query`` (paging, ``filter=``, ``sort=``), ``validation`` (official
draft-03 schemas in ``schemas/``), ``render`` (records → documents with ``self`` links),
``seed`` (deterministic data), ``errors`` (e-conomic error bodies). Imports nothing from Django
or the product. Every behaviour the sources leave open is marked [GUESS] where it is decided.
"""
