"""datasette-gaireports: Chinese government information-disclosure annual reports
(政府信息公开工作年度报告) as one checked, queryable SQLite database, and the
Datasette plugin that shows it."""

__version__ = "0.1.0"
