#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <stdexcept>

#include "report/owner_graph_dot.h"

namespace leakseek::report {

std::string dot_to_svg(const std::string& dot) {
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
  if (!graph) throw std::runtime_error("graphviz could not read the generated graph");
  if (gvLayout(gvc.get(), graph.get(), "dot") != 0)
    throw std::runtime_error("graphviz layout failed");
  char* data = nullptr;
  unsigned int len = 0;
  int rc = gvRenderData(gvc.get(), graph.get(), "svg", &data, &len);
  gvFreeLayout(gvc.get(), graph.get());
  if (rc != 0 || !data) throw std::runtime_error("graphviz could not render SVG");
  std::string svg(data, len);
  gvFreeRenderData(data);
  return svg;
}

}  // namespace leakseek::report
