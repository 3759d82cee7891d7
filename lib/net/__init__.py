"""Outbound requests to addresses a user gave us (notification channels, bank feeds), made safe."""
