"""Stream-process jobs of copy trading (registered in ``trading/streams/registry.py``): the leader watcher and the follower balance poller and stream."""
