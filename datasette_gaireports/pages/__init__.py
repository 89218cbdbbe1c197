"""The plugin's pages: balance-check status, agency history and report reconstruction.

:data:`ROUTES` maps each URL pattern (without ``base_url``) to its view.
"""

from __future__ import annotations

from . import agency, report, status

DB = r"/(?P<database>[^/]+)/-/gaireports"

ROUTES = (
    (r"^/-/gaireports$", status.instance_status),
    (r"^/-/gaireports/failing\.(?P<ext>csv|json)$", status.failing_rendition),
    (r"^/-/gaireports/report/(?P<report_id>[^/]+?)(?:\.(?P<ext>json|csv))?$", report.find_report),
    (DB + r"$", status.database_status),
    (DB + r"/failing\.(?P<ext>csv|json)$", status.failing_rendition),
    (DB + r"/agency/(?P<agency_id>[^/]+)$", agency.agency_page),
    (DB + r"/report/(?P<report_id>[^/]+?)(?:\.(?P<ext>json|csv))?$", report.report_view),
)
