# The two commands of the README. Both install what they need and can be run again.
.PHONY: run test

run:
	scripts/run

test:
	scripts/test
