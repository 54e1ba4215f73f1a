"""Packaging: the Helm chart, the two Dockerfiles and the scanners security reviewers run on them."""
