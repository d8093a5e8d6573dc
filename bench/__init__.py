"""`python -m bench` (`make bench`): the real code beside hand-written SQL on a large generated database."""
