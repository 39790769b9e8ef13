"""OSHA Injury Tracking Application: the CSV files OSHA accepts (``oshakit.ita.export``)
and, in their own modules, the API client and submission tools.

Nothing is imported here, so ``import oshakit.ita.export`` never pulls in ``requests``.
"""
