"""Stand-alone emulator of e-conomic's REST API (restapi.e-conomic.com) and grant flow.

Modules: ``server`` (app, auth, idempotency, control endpoints, kassekladde page), ``api``
(REST handlers and routes), ``grant`` (``/secure/api1/requestaccess.aspx`` pages), ``query``
(paging, ``filter=``, ``sort=``), ``validation`` (official draft-03 schemas in ``schemas/``),
``render`` (records → documents with ``self`` links), ``seed`` (deterministic data),
``errors`` (e-conomic error bodies). Imports nothing from Django or the product.
"""
