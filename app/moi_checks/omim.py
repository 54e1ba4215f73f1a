"""OMIM's modes of inheritance for a gene, from OMIM's API (``OMIM_API_URL`` with ``OMIM_API_KEY``).

Only used when OMIM_API_KEY is set. Any trouble (no answer, an HTTP error, text that is not OMIM's
JSON) gives an empty set, logged without the key: the gene is then not compared, as in PanelApp.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
MAX_BYTES = 5 * 1024 * 1024


class OmimClient:
    def __init__(self, url: str, api_key: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.api_key = api_key
        self.timeout = timeout
        self._cache: dict[str, frozenset[str]] = {}

    def inheritance(self, omim_id: str) -> frozenset[str]:
        """OMIM's phenotype inheritance words for the gene's MIM number (cached per run)."""
        if omim_id not in self._cache:
            self._cache[omim_id] = self._fetch(omim_id)
        return self._cache[omim_id]

    def _fetch(self, omim_id: str) -> frozenset[str]:
        query = urlencode(
            [
                ("mimNumber", omim_id),
                ("include", "geneMap"),
                ("include", "externalLinks"),
                ("format", "json"),
                ("apiKey", self.api_key),
            ]
        )
        request = urllib.request.Request(f"{self.url}?{query}", headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            logger.error("OMIM answered HTTP %s for MIM %s", error.code, omim_id)
            return frozenset()
        except (urllib.error.URLError, OSError) as error:
            logger.error("OMIM did not answer for MIM %s: %s", omim_id, type(error).__name__)
            return frozenset()
        if len(body) > MAX_BYTES:
            logger.error("OMIM's answer for MIM %s is larger than %d bytes", omim_id, MAX_BYTES)
            return frozenset()
        try:
            data = json.loads(body)
            found: set[str] = set()
            for item in data["omim"]["entryList"]:
                phenotypes = item["entry"].get("geneMap", {}).get("phenotypeMapList", [])
                for phenotype in phenotypes:
                    words = phenotype["phenotypeMap"].get("phenotypeInheritance")
                    if words:
                        found.update(w.strip() for w in str(words).split(";") if w.strip())
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.error("OMIM's answer for MIM %s is not OMIM's JSON", omim_id)
            return frozenset()
        return frozenset(found)
