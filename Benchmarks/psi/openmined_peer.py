"""openmined-psi 2.0.6 (ECDH-PSI in P-256 with a Golomb-compressed set) on the same two files as
`concord psi simulate`, in one process: client and server one after the other, the protocol timed
from the server's setup to the client's intersection, bytes = the three protobuf messages."""
import argparse, csv, json, time

import private_set_intersection.python as psi


def read(path, column):
    with open(path, newline="") as handle:
        return [row[column].strip().lower() for row in csv.DictReader(handle) if row[column].strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--left", required=True)
    parser.add_argument("--right", required=True)
    parser.add_argument("--id-column", required=True)
    parser.add_argument("--fpr", type=float, default=2.0 ** -40)
    args = parser.parse_args()
    client_items = list(dict.fromkeys(read(args.left, args.id_column)))
    server_items = list(dict.fromkeys(read(args.right, args.id_column)))
    start = time.perf_counter()
    client = psi.client.CreateWithNewKey(True)
    server = psi.server.CreateWithNewKey(True)
    setup = server.CreateSetupMessage(args.fpr, len(client_items), server_items, psi.DataStructure.GCS)
    request = client.CreateRequest(client_items)
    response = server.ProcessRequest(request)
    shared = client.GetIntersection(setup, response)
    seconds = time.perf_counter() - start
    size = len(setup.SerializeToString()) + len(request.SerializeToString()) + len(response.SerializeToString())
    print(json.dumps({"seconds": seconds, "bytes": size, "shared": len(shared),
                      "left": len(client_items), "right": len(server_items)}))


if __name__ == "__main__":
    main()
