"""Content-pack import (Markdown, CSV, JSON Lines) into the local knowledge base."""
