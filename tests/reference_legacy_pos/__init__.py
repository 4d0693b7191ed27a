"""A reference legacy POS for the poller's tests and benchmark: a sales table in a
SQLite file or a PostgreSQL database (its own cluster, which can be stopped and
started again), and a simulator that writes sales into it as a till would,
including late commits (a row whose transaction id was taken before rows that
commit ahead of it)."""
