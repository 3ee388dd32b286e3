"""EventBus adapters: Litestar's channels plugin inside the app, raw Redis PUBLISH in a worker process."""

from __future__ import annotations

from litestar.channels import ChannelsPlugin
from redis.asyncio import Redis


class ChannelsBus:
    """Publish through the channels plugin (memory or Redis pub/sub backend)."""

    def __init__(self, plugin: ChannelsPlugin, namespace: str) -> None:
        self._plugin = plugin
        self.namespace = namespace

    async def publish(self, channel: str, data: bytes) -> None:
        await self._plugin.wait_published(data, [channel])


class RedisBus:
    """Publish on the raw channel name, which the plugin's Redis pub/sub backend listens on."""

    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self.namespace = namespace

    async def publish(self, channel: str, data: bytes) -> None:
        await self._redis.publish(channel, data)
