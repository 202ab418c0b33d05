# Builds the blastradius binary into a small image for docker-compose.yml.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/blastradius ./cmd/blastradius

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/blastradius /usr/local/bin/blastradius
USER nonroot
ENTRYPOINT ["/usr/local/bin/blastradius"]
