"""Background work: the tasks a worker runs (inbox fetch, letter run) and the schedule that enqueues them."""
