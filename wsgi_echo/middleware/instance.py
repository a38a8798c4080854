"""Which instance answered: the instance name in a response header, on every
answer, so a client behind a load balancer can tell instances apart."""


class InstanceHeader:
    def __init__(self, app, header, instance):
        self.app = app
        self.pair = (header, instance)

    def __call__(self, environ, start_response):
        pair = self.pair

        def with_instance(status, headers, exc_info=None):
            headers.append(pair)
            return start_response(status, headers, exc_info)

        return self.app(environ, with_instance)
