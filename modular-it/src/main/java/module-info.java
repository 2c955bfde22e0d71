/** A modular application using bpa4j: it requires the API only, and the backends come as services. */
module org.bpa4j.it {
    requires org.bpa4j;
}
