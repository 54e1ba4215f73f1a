"""What every PanelApp process runs on: the environment contract, the console commands, logging,
probes and health, the task ledger and email tasks, Cognito login, and the site's own middleware.

A Django app whose label is ``panelapp`` (runtime.apps), so the tables and migration history it
took over from the project package keep their names. It imports no other app of the project: the
others build on it. Importing this package itself pulls in nothing (runtime.contract and
runtime.environment are standard library only, for the operator's tests).
"""
