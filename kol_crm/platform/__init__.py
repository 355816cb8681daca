"""Our community platform's data flowing in: the events endpoint (api.py), what an event does
(events.py: activity on a KOL, candidates from users not yet KOLs), conversions attributed to
partnerships (attribution.py) through referral codes (referral_codes.py), and the platform
candidates (candidates.py). How a platform sends its data: docs/platform.md."""
