"""The annual report itself, defined once: its mandated structure (parts, headings, keywords).

Ingest (detection, splitting), answering (report parts by role) and drafting import it from here;
it imports none of them.
"""
