"""What the person asked for: the instruction grammar that splits pasted text into a `SummarySpec` and
the content ("Summarize this to 2000 words in 6 paragraphs" + the article).

Owns: `grammar` (parsing) and `lexicon` (its vocabulary). May import: the kernel only. Pure and light,
so the web process reads instructions at the door without loading anything of the summary engine.
"""

from bot.instructions.grammar import parse_request, split_instruction

__all__ = ["parse_request", "split_instruction"]
