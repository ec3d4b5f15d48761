from ninja import NinjaAPI

api = NinjaAPI(title="Recoup API", version="1", urls_namespace="api")
