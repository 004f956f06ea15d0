"""What the log's ids are called: the catalog's tool and position names.

Apart from the report, which uses them too, so that the start-up questions that
name a tool (recovery, the next-day check) do not load the report's PDF writer.
"""

from __future__ import annotations

from psoas_timer.core.catalog import Catalog


def catalog_names(catalog: Catalog) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The names of the catalog's tools, and of each tool's positions."""
    tools = {tool_id: tool.name for tool_id, tool in catalog.tools.items()}
    positions = {
        (tool_id, position.id): position.name
        for tool_id, tool in catalog.tools.items()
        for position in tool.positions
    }
    return tools, positions
