# The two commands of the README. Both install what they need and can be run again.
.PHONY: run test bench

run:
	scripts/run

test:
	scripts/test

# Not part of `make test` (which runs a small smoke version of it): see README.md.
bench:
	scripts/bench
