"""The PanelApp domain: genes, panels, entities, reviews and versions."""
