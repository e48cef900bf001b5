"""Vendor self-certification: certificates made and verified."""
