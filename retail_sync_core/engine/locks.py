"""PostgreSQL advisory lock namespaces of the suite: the first int of the two-int
form, so that our locks never meet another addon's. One place, so two never share a
number by accident; a new addon adds its namespace here."""

DRAIN_KEY = 0x52530001  # one drain of an ordering key at a time
PUSH_CHANNEL = 0x52530002  # one push job per channel at a time
STORE_CUSTOMER_LOCATION = 0x52530003  # creating a store's customers location
STATS_ROLLUP = 0x52530004  # one statistics rollup at a time
STOCK_CHECK = 0x52530005  # one stock mismatch comparison per channel at a time
POLL_CHANNEL = 0x52530006  # one poll of a polled channel's source at a time
DRAIN_PARTITION = 0x52530007  # one drain job per partition of a backlog
