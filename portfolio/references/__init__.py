"""References: a referee confirms a project through a one-time link (issue 17).

``snapshot``, ``wording`` and ``carried`` are pure; ``proofs`` reads confirmed
references for the scorer and the exporters; ``service`` holds the rules on the
database side; ``mailing`` is what the background jobs run to mail links; ``views``
and ``forms`` are the web pages; ``limits`` the rate limits.
"""
