// Command k8s-strict-check decodes the built-in Kubernetes objects of a multi-document YAML stream (the output of
// `kustomize build`) the way the API server does under strict field validation (`kubectl apply --validate=strict`):
// apimachinery's YAML serializer in strict mode, into the Go types of k8s.io/api. A field the type does not declare
// (`spec.replica`, `containers[0].imagePullPolcy`), a field given twice or a value of the wrong type is a problem.
// The npm kubernetes-models validators deploy-check also runs accept unknown fields, which is why this exists.
//
// Documents whose apiVersion/kind is not a built-in kind of the scheme below (Strimzi, KEDA, Prometheus Operator
// resources) are skipped: deploy-check validates those against their CRD schemas.
//
// Usage: k8s-strict-check < stream.yaml — one line per problem ("<kind>/<name>: <message>") on stderr and exit 1;
// exit 0 with a one-line summary on stdout when clean; exit 2 when the stream cannot be read.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The GA versions of the built-in groups. A built-in kind at a version not registered here (a beta API) is skipped
// like a custom resource; the summary lists every skipped kind so the caller can insist each has a CRD schema.
var groups = []func(*runtime.Scheme) error{
	admissionregistrationv1.AddToScheme,
	appsv1.AddToScheme,
	autoscalingv1.AddToScheme,
	autoscalingv2.AddToScheme,
	batchv1.AddToScheme,
	certificatesv1.AddToScheme,
	coordinationv1.AddToScheme,
	corev1.AddToScheme,
	discoveryv1.AddToScheme,
	networkingv1.AddToScheme,
	nodev1.AddToScheme,
	policyv1.AddToScheme,
	rbacv1.AddToScheme,
	schedulingv1.AddToScheme,
	storagev1.AddToScheme,
}

// header is what is needed to pick the Go type and to name the object in a problem line.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

type result struct {
	problems []string
	checked  int
	skipped  map[string]int
}

func check(stream io.Reader, scheme *runtime.Scheme) (result, error) {
	res := result{skipped: map[string]int{}}
	strict := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
	docs := utilyaml.NewYAMLReader(bufio.NewReader(stream))
	for index := 0; ; index++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return res, fmt.Errorf("document %d: %w", index, err)
		}
		raw, err := utilyaml.ToJSON(doc)
		if err != nil {
			res.problems = append(res.problems, fmt.Sprintf("document %d: %v", index, err))
			continue
		}
		if trimmed := strings.TrimSpace(string(raw)); trimmed == "null" || trimmed == "" {
			continue // a separator with nothing (or only comments) after it
		}
		var head header
		if err := json.Unmarshal(raw, &head); err != nil || head.APIVersion == "" || head.Kind == "" {
			res.problems = append(res.problems, fmt.Sprintf("document %d: not a Kubernetes object (no apiVersion/kind)", index))
			continue
		}
		where := head.Kind + "/" + head.Metadata.Name
		gv, err := schema.ParseGroupVersion(head.APIVersion)
		if err != nil {
			res.problems = append(res.problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		if !scheme.Recognizes(gv.WithKind(head.Kind)) {
			res.skipped[head.APIVersion+" "+head.Kind]++
			continue
		}
		res.checked++
		// The strict serializer still decodes when the only problems are unknown or duplicate fields, and says so
		// with a strict decoding error listing each field path; any other error (a wrong type) is returned as is.
		_, _, err = strict.Decode(doc, nil, nil)
		if err == nil {
			continue
		}
		if strictErr, ok := runtime.AsStrictDecodingError(err); ok {
			for _, fieldErr := range strictErr.Errors() {
				res.problems = append(res.problems, fmt.Sprintf("%s: %s", where, oneLine(fieldErr)))
			}
			continue
		}
		res.problems = append(res.problems, fmt.Sprintf("%s: %s", where, oneLine(err)))
	}
}

// oneLine keeps one problem per output line: the YAML decoder's duplicate-key error spans several
// ("yaml: unmarshal errors:\n  line 8: key \"replicas\" already set in map").
func oneLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimSpace(line)
	}
	return strings.Join(lines, " ")
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: k8s-strict-check < manifests.yaml")
		os.Exit(2)
	}
	scheme := runtime.NewScheme()
	for _, add := range groups {
		if err := add(scheme); err != nil {
			fmt.Fprintf(os.Stderr, "k8s-strict-check: %v\n", err)
			os.Exit(2)
		}
	}
	res, err := check(os.Stdin, scheme)
	if err != nil {
		fmt.Fprintf(os.Stderr, "k8s-strict-check: %v\n", err)
		os.Exit(2)
	}
	for _, p := range res.problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(res.problems) > 0 {
		os.Exit(1)
	}
	kinds := make([]string, 0, len(res.skipped))
	skipped := 0
	for kind, n := range res.skipped {
		kinds = append(kinds, kind)
		skipped += n
	}
	sort.Strings(kinds)
	fmt.Printf("ok: %d built-in objects decoded strictly, %d others skipped; skipped kinds: %s\n",
		res.checked, skipped, strings.Join(kinds, ", "))
}
