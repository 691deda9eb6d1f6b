# Shortcuts for people who like make; the README's commands are `python3 dev.py drill|test`.
.PHONY: drill serve test bench setup
drill serve test bench setup:
	python3 dev.py $@ $(ARGS)
