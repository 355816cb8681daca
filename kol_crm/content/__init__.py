"""Content review (issue 13): a KOL's content for a partnership deliverable, from draft to published.

- ``review.py``: what a save of a KOL Content does (the deliverable it is for, the fields each
  state lets change, the versions kept, the reviewer's answer, the deliverable Delivered once
  published) and the content status the deliverable reminders tell;
- ``notify.py``: the emails to the KOL (changes requested, approved, published).

The workflow itself (states, transitions, guards) is ``kol_crm/workflows/kol_content.py``; the
KOL's own actions are on the portal (``kol_crm/portal/actions.py``).
"""
