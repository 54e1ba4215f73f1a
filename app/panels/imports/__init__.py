"""Reading curators' files (gene table, panel TSV, reviews TSV) and importing them whole or not at all."""
