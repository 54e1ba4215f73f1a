"""The weekly MOI consistency check (Genomics England's PanelApp ``panels.tasks.moi_checks``):
green genes of released public panels checked for a mode of inheritance that fits their
chromosome, and for disagreement between panels; a CSV is emailed to the curators."""
