"""/api/places/: places (scoped and masked as on the pages) and their kinds, read-only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from jinguo.core.api import IdLookupMixin, ScopedModelViewSet
from jinguo.core.serializers import ModelSerializer

from ..filtersets import PlaceFilterSet
from ..forms import ADDRESS_HIDDEN
from ..models import Place, PlaceKind
from ..selectors import may_locate, place_open, visible_places


class StandardItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class PlaceKindSerializer(ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = PlaceKind
        fields = ["id", "code", "name", "description", "confidential", "is_active", "items"]
        read_only_fields = fields

    @extend_schema_field(StandardItemSerializer(many=True))
    def get_items(self, obj):
        return [{"id": i.pk, "label": i.label} for i in obj.items.all() if i.is_active]


class PlaceSerializer(ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    address_visible = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "org",
            "org_name",
            "address",
            "phone",
            "latitude",
            "longitude",
            "address_visible",
            "opening_hours",
            "is_public",
            "is_active",
            "meets_standard",
            "last_checked_on",
        ]
        read_only_fields = fields

    def _located(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and may_locate(request.user, obj)

    def get_address(self, obj) -> str:
        return obj.address if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_phone(self, obj) -> str:
        return obj.phone if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_latitude(self, obj) -> float | None:
        return float(obj.latitude) if self._located(obj) and obj.latitude is not None else None

    def get_longitude(self, obj) -> float | None:
        return float(obj.longitude) if self._located(obj) and obj.longitude is not None else None

    def get_address_visible(self, obj) -> bool:
        return self._located(obj)


class PlaceViewSet(ScopedModelViewSet):
    model = Place
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return visible_places(self.request.user, self.scope_action()).order_by("org_path", "pk")

    def retrieve(self, request, *args, **kwargs):
        from rest_framework.response import Response

        place, _located = place_open(request.user, kwargs["pk"], channel="api")
        return Response(self.get_serializer(place).data)


class PlaceKindViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlaceKindSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = PlaceKind.objects.prefetch_related("items").order_by("order", "pk")
